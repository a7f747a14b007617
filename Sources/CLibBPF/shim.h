#ifndef TIERD_CLIBBPF_SHIM_H
#define TIERD_CLIBBPF_SHIM_H
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sys/vfs.h>  /* statfs: is a pin directory on a bpffs */
#endif
