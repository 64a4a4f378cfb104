#pragma once

#include <memory>

#include "services/common/service_deps.h"
#include "services/evaluations/aggregation_store.h"
#include "services/evaluations/campaign_store.h"
#include "services/evaluations/downstream.h"
#include "services/evaluations/evidence_store.h"
#include "services/evaluations/form_store.h"
#include "services/evaluations/frozen_catalog.h"
#include "services/evaluations/invitation_store.h"
#include "services/evaluations/lead_store.h"
#include "services/evaluations/notice_store.h"
#include "services/evaluations/subject_store.h"

namespace kaoping::evaluations {

// The other services evaluations reads from.
struct Downstream {
  std::shared_ptr<const CatalogSource> catalogs;
  std::shared_ptr<const RosterSource> roster;
};

// What every area of the service shares: the runtime's pieces, the other
// services, the stores (stateless: SQL only) and the caches of what never
// changes. One per service, shared by its areas.
struct Context {
  Context(ServiceDeps deps_in, Downstream downstream_in)
      : deps(std::move(deps_in)), downstream(std::move(downstream_in)) {}

  ServiceDeps deps;
  Downstream downstream;
  CampaignStore campaigns;
  SubjectStore subjects;
  InvitationStore invitations;
  FormStore forms;
  LeadStore leads;
  EvidenceStore interviews{"interviews", "interview_id"};
  EvidenceStore reviews{"document_reviews", "review_id"};
  NoticeStore notices;
  AggregationStore aggregation;
  CatalogCache catalogs;

  absl::Time Now() const { return deps.clock->Now(); }
};

}  // namespace kaoping::evaluations
