"""The code tables the placements app accepts (DOMAIN.md): provision types and primary needs."""

from __future__ import annotations

from django.db import models


class ProvisionType(models.TextChoices):
    """SEN2 setting categories, grouped the way High Needs spend is reported."""

    MAINSTREAM_LA_MAINTAINED = "mainstream_la_maintained", "Mainstream school, LA maintained"
    MAINSTREAM_ACADEMY = "mainstream_academy", "Mainstream academy or free school"
    MAINSTREAM_INDEPENDENT = "mainstream_independent", "Independent mainstream school"
    RESOURCED_PROVISION = "resourced_provision", "Resourced provision or SEN unit"
    SPECIAL_LA_MAINTAINED = "special_la_maintained", "Maintained special school"
    SPECIAL_ACADEMY_FREE = "special_academy_free", "Special academy or free school"
    SPECIAL_INDEPENDENT = "special_independent", "Independent special school"
    SPECIAL_NON_MAINTAINED = "special_non_maintained", "Non-maintained special school"
    AP_PRU = "ap_pru", "Alternative provision or pupil referral unit"
    FE_COLLEGE = "fe_college", "General FE or tertiary college"
    SPECIALIST_POST16 = "specialist_post16", "Specialist post-16 institution"
    EARLY_YEARS = "early_years", "Early years setting"
    OTHER_ARRANGEMENTS = "other_arrangements", "Other arrangements (EOTAS, home tuition)"


class PrimaryNeed(models.TextChoices):
    """SEN2 primary-need codes."""

    ASD = "ASD", "Autism"
    HI = "HI", "Hearing impairment"
    MLD = "MLD", "Moderate learning difficulty"
    MSI = "MSI", "Multi-sensory impairment"
    OTH = "OTH", "Other"
    PD = "PD", "Physical disability"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    SLD = "SLD", "Severe learning difficulty"
    SPLD = "SpLD", "Specific learning difficulty"
    VI = "VI", "Visual impairment"
    NSA = "NSA", "SEN support, no specialist assessment of need"


# Independent and non-maintained special schools: the costliest group, the usual target of
# Sufficiency work.
INMSS = (ProvisionType.SPECIAL_INDEPENDENT.value, ProvisionType.SPECIAL_NON_MAINTAINED.value)

PROVISION_TYPE_CODES = [choice.value for choice in ProvisionType]
PRIMARY_NEED_CODES = [choice.value for choice in PrimaryNeed]
PROVISION_TYPE_LABELS = dict(ProvisionType.choices)
PRIMARY_NEED_LABELS = dict(PrimaryNeed.choices)

NCY_MIN, NCY_MAX = -2, 20
