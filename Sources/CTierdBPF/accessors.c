#include "CTierdBPF.h"

extern const unsigned char tierd_classify_object_bytes[];
extern const unsigned int tierd_classify_object_length;
extern const char tierd_classify_object_digest[];

const unsigned char *tierd_classify_object(void) { return tierd_classify_object_bytes; }
unsigned int tierd_classify_object_size(void) { return tierd_classify_object_length; }
const char *tierd_classify_object_sha256(void) { return tierd_classify_object_digest; }
