"""Pages of the finance app, under /finance/."""

from django.urls import path

from finance.views import agreement, pages, pressures, trajectory

app_name = "finance"
urlpatterns = [
    path("", pages.finance_dashboard, name="dashboard"),
    path("pressures/", pressures.pressures, name="pressures"),
    path("pressures/enter/", pressures.pressure_edit, name="pressure-edit"),
    path("pressures/derive/", pressures.pressures_derive, name="pressures-derive"),
    path("mitigations/add/", pressures.mitigation_add, name="mitigation-add"),
    path("mitigations/<int:pk>/", pressures.mitigation_edit, name="mitigation-edit"),
    path("income/", pressures.income, name="income"),
    path("income/enter/", pressures.income_edit, name="income-edit"),
    path("income/outturn/", pressures.outturn_edit, name="outturn-edit"),
    path("agreement/", agreement.agreement, name="agreement"),
    path("agreement/versions/<int:pk>/reprofile/", agreement.reprofile_create,
         name="reprofile"),
    path("agreement/versions/<int:pk>/agree/", agreement.version_agree, name="agree"),
    path("agreement/versions/<int:pk>/targets/<int:year>/", agreement.target_edit,
         name="target-edit"),
    path("agreement/instalments/<int:pk>/", agreement.instalment_edit,
         name="instalment-edit"),
    path("agreement/conditions/add/", agreement.condition_edit, name="condition-add"),
    path("agreement/conditions/<int:pk>/", agreement.condition_edit,
         name="condition-edit"),
    path("agreement/returns/add/", agreement.return_edit, name="return-add"),
    path("agreement/returns/<int:pk>/", agreement.return_edit, name="return-edit"),
    path("trajectory/", trajectory.trajectory, name="trajectory"),
    path("trajectory/status/", trajectory.trajectory_status, name="trajectory-status"),
    path("scenarios/add/", trajectory.scenario_add, name="scenario-add"),
    path("scenarios/<slug:slug>/", trajectory.scenario_edit, name="scenario"),
]
