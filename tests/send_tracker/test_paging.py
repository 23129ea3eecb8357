"""The shared pager: which page a `?page=` asks for, the slice it reads, its links and words."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from send_tracker.paging import PAGE_SIZE, page_number, paginate


def _get(query: str = ""):
    return RequestFactory().get(f"/list/?{query}")


@pytest.mark.parametrize(("text", "expected"), [
    ("2", 2), ("1", 1), (" 3 ", 3), ("5", 5),
    ("6", 5), ("99999999999999999999", 5),  # past the end: the last page
    ("0000000000002", 2),
    ("0", 1), ("-1", 1), ("abc", 1), ("1.5", 1), ("1e3", 1), ("²", 1), ("", 1), (None, 1),
    ("<script>", 1),
])
def test_a_page_number_is_clamped_and_anything_else_is_page_one(text, expected):
    assert page_number(text, 5) == expected


def test_the_page_asked_for_is_the_slice_shown_with_its_positions():
    rows = list(range(1, 46))  # 45 rows: pages of 20, 20 and 5
    second = paginate(_get("page=2"), rows, per_page=20)
    assert second.items == list(range(21, 41))
    assert (second.start, second.end, second.count, second.num_pages) == (21, 40, 45, 3)
    last = paginate(_get("page=3"), rows, per_page=20)
    assert last.items == [41, 42, 43, 44, 45]
    assert (last.start, last.end) == (41, 45)
    assert paginate(_get("page=9"), rows, per_page=20).number == 3


def test_an_empty_list_is_one_page_showing_nothing():
    page = paginate(_get("page=4"), [], per_page=20)
    assert (page.number, page.num_pages, page.items, page.start, page.end) == (1, 1, [], 0, 0)
    assert not page.has_other_pages


def test_links_keep_the_active_filters_and_leave_out_empty_ones():
    page = paginate(_get("kind=risk&page=2"), list(range(60)), per_page=20,
                    query={"kind": "risk", "status": "", "strand": None, "owner": 7})
    assert page.previous_href == "?kind=risk&owner=7&page=1"
    assert page.next_href == "?kind=risk&owner=7&page=3"
    assert page.href(1) == "?kind=risk&owner=7&page=1"


def test_a_filter_value_is_url_encoded_in_the_links():
    page = paginate(_get(), list(range(30)), per_page=20, query={"q": "a&b=c d"})
    assert page.next_href == "?q=a%26b%3Dc+d&page=2"


@pytest.mark.parametrize(("current", "expected"), [
    (1, [1, 2, None, 10]),
    (2, [1, 2, 3, None, 10]),
    (5, [1, None, 4, 5, 6, None, 10]),
    (9, [1, None, 8, 9, 10]),
    (10, [1, None, 9, 10]),
])
def test_the_page_links_are_first_last_current_and_neighbours_with_ellipses(current, expected):
    page = paginate(_get(f"page={current}"), list(range(100)), per_page=10)
    assert [link.number for link in page.links] == expected
    assert [link.number for link in page.links if link.current] == [current]


def test_three_pages_need_no_ellipsis():
    page = paginate(_get("page=2"), list(range(30)), per_page=10)
    assert [link.number for link in page.links] == [1, 2, 3]


def test_a_known_count_is_not_counted_again(db, django_assert_num_queries):
    from programme.models import Strand

    for n in range(3):
        Strand.objects.create(name=f"S{n}", slug=f"s{n}", order=n)
    qs = Strand.objects.order_by("order")
    with django_assert_num_queries(2):  # count, then the page
        assert paginate(_get("page=2"), qs, per_page=2).count == 3
    with django_assert_num_queries(1):  # the page only
        assert [s.name for s in paginate(_get("page=2"), qs, per_page=2, count=3).items] == ["S2"]


def test_row_turns_only_the_page_rows_into_what_the_template_shows():
    seen = []
    page = paginate(_get("page=2"), list(range(50)), per_page=20,
                    row=lambda r: seen.append(r) or {"n": r})
    assert page.items[0] == {"n": 20}
    assert seen == list(range(20, 40))


def test_the_component_follows_govuk_frontend_and_says_what_is_shown():
    page = paginate(_get("page=2"), list(range(45)), per_page=20, query={"kind": "risk"})
    html = render_to_string("components/pagination.html",
                            {"paged": page, "label": "Pages of RAID items", "noun": "items"})
    assert "Showing <b>21</b> to <b>40</b> of <b>45</b> items" in html
    assert '<nav class="govuk-pagination" aria-label="Pages of RAID items">' in html
    assert 'href="?kind=risk&amp;page=1" rel="prev"' in html
    assert 'href="?kind=risk&amp;page=3" rel="next"' in html
    assert "Previous<span class=\"govuk-visually-hidden\"> page</span>" in html
    assert "Next<span class=\"govuk-visually-hidden\"> page</span>" in html
    assert 'aria-label="Page 2" aria-current="page">2</a>' in html
    assert html.count("aria-current") == 1


def test_one_page_shows_the_count_but_no_links():
    html = render_to_string("components/pagination.html",
                            {"paged": paginate(_get(), list(range(3))), "noun": "flags"})
    assert "Showing <b>1</b> to <b>3</b> of <b>3</b> flags" in html
    assert "govuk-pagination" not in html
    empty = render_to_string("components/pagination.html",
                             {"paged": paginate(_get(), []), "noun": "flags"})
    assert "No flags to show" in empty


def test_the_page_size_is_one_rule_for_every_list():
    assert paginate(_get(), list(range(100))).per_page == PAGE_SIZE == 20


def test_a_page_reader_is_asked_for_only_the_page_shown():
    asked = []

    def reader(offset: int, limit: int) -> list[int]:
        asked.append((offset, limit))
        return list(range(offset + 1, min(offset + limit, 45) + 1))

    last = paginate(_get("page=9"), reader, count=45, per_page=20)
    assert asked == [(40, 20)]  # past the end: the last page, and nothing else read
    assert (last.number, last.items, last.count) == (3, [41, 42, 43, 44, 45], 45)
    with pytest.raises(TypeError):
        paginate(_get(), reader)  # a reader cannot count its rows
