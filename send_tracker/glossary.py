"""The words a new officer meets on the tracker's pages, in plain English (facts from DOMAIN.md).

One list: the glossary page shows it and `{% term %}` links a word to its entry where it
appears, with the abbreviation expanded for screen readers and on hover.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    slug: str
    word: str  # as it appears on pages
    expansion: str  # what an abbreviation stands for ("" when the word is not one)
    definition: str


TERMS: tuple[Term, ...] = (
    Term("balancing-item", "Balancing item", "",
         "The difference between the forecast deficit and the sum of the figures that explain it "
         "(pressures, mitigations, savings): what the bridge from the Safety Valve cap to the "
         "forecast cannot attribute to a named cause. A large balancing item means a cause is "
         "missing from the tracker."),
    Term("brag", "BRAG", "Blue, red, amber, green",
         "The delivery confidence a lead gives each project and strand: blue delivered; green on "
         "track; amber at risk but recoverable; red at risk and not recoverable without "
         "intervention. A strand with no savings target is shown as \u201cNo target\u201d. The "
         "tracker always shows the word beside the colour."),
    Term("dfe", "DfE", "Department for Education",
         "The government department that agrees the Safety Valve agreement, pays its instalments "
         "and reads the council's monitoring returns."),
    Term("dsg", "DSG", "Dedicated Schools Grant",
         "The ring-fenced grant that funds schools and the council's education spending, in four "
         "blocks: schools, central services, early years and High Needs. Since 2020 a DSG deficit "
         "sits in a separate unusable reserve (the statutory override), extended to the end of "
         "2027/28."),
    Term("ehcp", "EHCP", "Education, health and care plan",
         "The legal plan for a child or young person up to 25 whose needs cannot be met from "
         "the support a school provides itself. The council must issue a final plan within 20 "
         "weeks of the request for an assessment."),
    Term("high-needs", "High Needs", "High Needs Block",
         "The block of the DSG that pays for education for children and young people with "
         "special educational needs: place funding, top-ups, independent school fees, "
         "alternative provision and support services (the s251 lines)."),
    Term("inmss", "INMSS", "Independent and non-maintained special schools",
         "Special schools not run by the council or an academy trust. They are the costliest "
         "placements (about \u00a364,000 a pupil with a plan in 2024/25 nationally) and the usual "
         "target of sufficiency work."),
    Term("period", "P6", "Period 6",
         "A month of the financial year, which runs April to March: P1 is April, P6 September, "
         "P12 March. \u201cP6 2024/25\u201d is September 2024. The reporting month in the header "
         "is the last period closed."),
    Term("raid", "RAID", "Risks, assumptions, issues and dependencies",
         "The programme's log of what could stop it delivering: each item has an owner, a score "
         "(likelihood \u00d7 impact, 1 to 25), a mitigation and a review date. A risk that "
         "happens becomes an issue."),
    Term("reporting-month", "Reporting month", "",
         "The last closed month of the reporting calendar: every page shows it unless you pick "
         "another month. Leads report on the open month, which follows it."),
    Term("safety-valve", "Safety Valve", "",
         "The DfE programme for the councils with the largest DSG deficits: the council commits "
         "to a plan that reaches an in-year balance, and the DfE pays instalments towards the "
         "historic deficit as long as the plan is delivered. Targets can be renegotiated "
         "(reprofiled); both versions stay visible."),
    Term("send", "SEND", "Special educational needs and disabilities",
         "Children and young people who need support beyond what is usually available in "
         "schools, some with an EHCP and the rest on SEN support."),
)

BY_WORD: dict[str, Term] = {t.word.lower(): t for t in TERMS} | {t.slug: t for t in TERMS}


def term(word: str) -> Term | None:
    """The glossary entry for a word or slug (any case), or None."""
    return BY_WORD.get(word.lower())
