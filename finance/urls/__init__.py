"""Pages of the finance app, under /finance/."""

from django.urls import path

from finance.views import agreement as views_agreement
from finance.views import pages as views
from finance.views import pressures as views_pressures
from finance.views import trajectory as views_trajectory

app_name = "finance"
urlpatterns = [
    path("", views.finance_dashboard, name="dashboard"),
    path("pressures/", views_pressures.pressures, name="pressures"),
    path("pressures/enter/", views_pressures.pressure_edit, name="pressure-edit"),
    path("pressures/derive/", views_pressures.pressures_derive, name="pressures-derive"),
    path("mitigations/add/", views_pressures.mitigation_add, name="mitigation-add"),
    path("mitigations/<int:pk>/", views_pressures.mitigation_edit, name="mitigation-edit"),
    path("income/", views_pressures.income, name="income"),
    path("income/enter/", views_pressures.income_edit, name="income-edit"),
    path("income/outturn/", views_pressures.outturn_edit, name="outturn-edit"),
    path("agreement/", views_agreement.agreement, name="agreement"),
    path("agreement/versions/<int:pk>/reprofile/", views_agreement.reprofile_create,
         name="reprofile"),
    path("agreement/versions/<int:pk>/agree/", views_agreement.version_agree, name="agree"),
    path("agreement/versions/<int:pk>/targets/<int:year>/", views_agreement.target_edit,
         name="target-edit"),
    path("agreement/instalments/<int:pk>/", views_agreement.instalment_edit,
         name="instalment-edit"),
    path("agreement/conditions/add/", views_agreement.condition_edit, name="condition-add"),
    path("agreement/conditions/<int:pk>/", views_agreement.condition_edit,
         name="condition-edit"),
    path("agreement/returns/add/", views_agreement.return_edit, name="return-add"),
    path("agreement/returns/<int:pk>/", views_agreement.return_edit, name="return-edit"),
    path("trajectory/", views_trajectory.trajectory, name="trajectory"),
    path("trajectory/status/", views_trajectory.trajectory_status, name="trajectory-status"),
    path("scenarios/add/", views_trajectory.scenario_add, name="scenario-add"),
    path("scenarios/<slug:slug>/", views_trajectory.scenario_edit, name="scenario"),
]
