"""The scale data set: generated once with a fixed seed; pages keep a fixed number of queries."""

import pytest

from programme.models import ProgressUpdate, Project, RaidItem, Strand
from programme.scale import seed_scale


def test_the_scale_seed_is_deterministic_and_runs_once(db):
    assert seed_scale(strands=2, projects=3, periods=14) == 2 * 3 * 14
    first = list(ProgressUpdate.objects.order_by("project__name", "year", "period")
                 .values_list("forecast_pence", flat=True))
    assert seed_scale(strands=2, projects=3, periods=14) == 0
    assert Project.objects.count() == 6
    RaidItem.objects.all().delete()
    ProgressUpdate.objects.all().delete()
    Project.objects.all().delete()
    Strand.objects.all().delete()
    seed_scale(strands=2, projects=3, periods=14)
    again = list(ProgressUpdate.objects.order_by("project__name", "year", "period")
                 .values_list("forecast_pence", flat=True))
    assert again == first


@pytest.mark.slow
def test_pages_on_the_full_scale_data_stay_within_twenty_queries(
    db, director_client, django_assert_max_num_queries
):
    assert seed_scale() == 8 * 60 * 60
    for url in ("/programme/?year=2024-25&period=6",
                "/api/v1/programme/summary/?year=2024-25&period=6",
                "/programme/strands/scale-1/?year=2024-25&period=6",
                "/programme/raid/", "/api/v1/progress-updates/?year=2024-25&period=6"):
        with django_assert_max_num_queries(20):
            assert director_client.get(url).status_code == 200
