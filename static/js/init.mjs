// Starts GOV.UK Frontend components and draws every chart on the page from its json_script data.
import { initAll } from "../vendor/govuk-frontend.min.js";

// GOV.UK's template sets these classes with an inline <script>, which our Content Security
// Policy (script-src 'self') forbids. A module script runs only in browsers that support
// GOV.UK Frontend, which is the test the inline snippet makes; without the classes, initAll()
// refuses to start any component (menu toggle, error summary focus, conditional reveals).
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

function drawCharts() {
  if (!window.Plotly) return;
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const source = document.getElementById(el.dataset.chart);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    const layout = Object.assign({ font: { family: "Arial, sans-serif" } }, figure.layout || {});
    if (el.clientWidth < 600 && (layout.annotations || []).length) {
      // Labels at the line ends need room on the right: on a narrow screen the plot keeps the
      // width and the legend (above the plot) names the lines instead.
      layout.annotations = [];
      layout.showlegend = true;
      layout.margin = Object.assign({}, layout.margin, { r: 20 });
    }
    window.Plotly.newPlot(el, figure.data || [], layout, {
      displayModeBar: false,
      responsive: true,
    });
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", drawCharts);
} else {
  drawCharts();
}
