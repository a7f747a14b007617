#ifndef TIERD_CLIBBPF_SHIM_H
#define TIERD_CLIBBPF_SHIM_H
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#endif
