"""`/api/v1/`: one router for every app's API, the OpenAPI schema and its browsable docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from allegations.api import AllegationAttachments, AllegationViewSet, AttachmentDetail
from core.api_views import MemberStateList, MissionList, RegionalOrganisationList
from referrals.api import AllegationReferrals, ReferralScorecard, ReferralViewSet
from reporting.api import AnnexExport
from victims.api import (
    AllegationVictims,
    ClaimDetail,
    DisclosureRequestDecision,
    IdentityExportFile,
    NeedViewSet,
    ProviderList,
    VictimClaims,
    VictimConsents,
    VictimContacts,
    VictimDisclosureRequests,
    VictimDisclosures,
    VictimNeeds,
    VictimViewSet,
)

router = SimpleRouter(use_regex_path=False)
router.register("allegations", AllegationViewSet, basename="allegation")
router.register("victims", VictimViewSet, basename="victim")
router.register("needs", NeedViewSet, basename="need")
router.register("referrals", ReferralViewSet, basename="referral")

urlpatterns = [
    path("referrals/scorecard/", ReferralScorecard.as_view(), name="api-referral-scorecard"),
    *router.urls,
    path("allegations/<uuid:allegation_id>/victims/", AllegationVictims.as_view(), name="api-allegation-victims"),
    path("allegations/<uuid:allegation_id>/attachments/", AllegationAttachments.as_view(),
         name="api-allegation-attachments"),
    path("allegations/<uuid:allegation_id>/attachments/<uuid:attachment_id>/", AttachmentDetail.as_view(),
         name="api-attachment"),
    path("allegations/<uuid:allegation_id>/referrals/", AllegationReferrals.as_view(), name="api-allegation-referrals"),
    path("victims/<uuid:victim_id>/consents/", VictimConsents.as_view(), name="api-victim-consents"),
    path("victims/<uuid:victim_id>/needs/", VictimNeeds.as_view(), name="api-victim-needs"),
    path("victims/<uuid:victim_id>/contacts/", VictimContacts.as_view(), name="api-victim-contacts"),
    path("victims/<uuid:victim_id>/claims/", VictimClaims.as_view(), name="api-victim-claims"),
    path("victims/<uuid:victim_id>/disclosures/", VictimDisclosures.as_view(), name="api-victim-disclosures"),
    path("victims/<uuid:victim_id>/disclosure-requests/", VictimDisclosureRequests.as_view(),
         name="api-victim-disclosure-requests"),
    path("disclosure-requests/<uuid:request_id>/decision/", DisclosureRequestDecision.as_view(),
         name="api-disclosure-request-decision"),
    path("disclosure-requests/<uuid:request_id>/file/", IdentityExportFile.as_view(),
         name="api-disclosure-request-file"),
    path("claims/<int:claim_id>/", ClaimDetail.as_view(), name="api-claim"),
    path("missions/", MissionList.as_view(), name="api-missions"),
    path("member-states/", MemberStateList.as_view(), name="api-member-states"),
    path("regional-organisations/", RegionalOrganisationList.as_view(), name="api-regional-organisations"),
    path("providers/", ProviderList.as_view(), name="api-providers"),
    path("reports/annex/", AnnexExport.as_view(), name="api-annex"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
