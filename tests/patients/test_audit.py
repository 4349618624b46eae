from django.urls import reverse

from hemolog.patients.models import AccessEvent


def test_a_clinicians_views_are_recorded_and_the_familys_are_not(client_for, owner, clinician, log):
    for name in ("patients:detail", "logbook:bleed_list", "insights:dashboard"):
        client_for(clinician).get(reverse(name, kwargs={"patient_id": log.pk}))
        client_for(owner).get(reverse(name, kwargs={"patient_id": log.pk}))
    events = list(AccessEvent.objects.filter(patient=log).order_by("pk").values_list("user__email", "action", "what"))
    assert events == [
        ("clinician@example.org", "VIEW", "overview"),
        ("clinician@example.org", "VIEW", "bleeds"),
        ("clinician@example.org", "VIEW", "dashboard (last 12 months)"),
    ]
