#pragma once

#include "google/protobuf/message.h"

namespace kaoping::results {

// Clears every field marked (kaoping.v1.sensitivity) = SEALED_IDENTITY at
// any depth of `message`: what a cadre reading their own archive must never
// see (who rated, reported, verified). Archive entries carry none today
// (summaries are aggregates, verified leads carry no reporter or
// verifier); this keeps it so if a carried message gains such a field.
void ClearSealedIdentities(google::protobuf::Message& message);

}  // namespace kaoping::results
