#ifndef TIERD_CTIERDBPF_H
#define TIERD_CTIERDBPF_H
/// tierd's compiled BPF classifier (bpf/classify.bpf.c), embedded by scripts/gen-bpf.sh.
/// Functions rather than the arrays themselves: Swift cannot import arrays of unknown size.
const unsigned char *tierd_classify_object(void);
unsigned int tierd_classify_object_size(void);
/// SHA-256 of the object (hex): names the attached filters, so a restart recognises its own programs.
const char *tierd_classify_object_sha256(void);
#endif
