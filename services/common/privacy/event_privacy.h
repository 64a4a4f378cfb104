#pragma once

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

// Events carry no opinions or identities (events.proto): no field of an
// event payload, at any depth, may be marked (kaoping.v1.sensitivity). The
// rule is read from the descriptors, so a field added later with the mark
// is caught without anyone remembering this check.
namespace kaoping::privacy {

// FAILED_PRECONDITION naming the first marked field reachable from the
// payload type, with its path ("AppraisalConcluded.content.self_check is
// OPINION_TEXT: events carry no opinions or identities").
absl::Status CheckEventPayloadType(const google::protobuf::Descriptor& payload);

// The same for a payload about to be written (checks its type).
absl::Status CheckEventPayload(const google::protobuf::Message& payload);

}  // namespace kaoping::privacy
