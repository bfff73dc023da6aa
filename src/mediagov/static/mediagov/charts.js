/* ECharts on mediagov pages: every element with data-chart="<id of a json_script>" becomes a chart.
   Each chart gets the toolbox's 保存为图片 and, if the page has a link with data-png-for="<chart element id>",
   that link downloads the chart as PNG (a data URL from getDataURL; no network needed). */
(function () {
  "use strict";
  var PNG = { type: "png", pixelRatio: 2, backgroundColor: "#fff" };

  function init(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.ready) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var option = JSON.parse(source.textContent);
      var name = el.dataset.filename || "chart";
      option.toolbox = {
        right: 8,
        feature: { saveAsImage: { title: "保存为图片", name: name, pixelRatio: 2, backgroundColor: "#fff" } },
      };
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      el.dataset.ready = "1";
      window.addEventListener("resize", function () { chart.resize(); });
      document.querySelectorAll('[data-png-for="' + el.id + '"]').forEach(function (link) {
        link.setAttribute("download", name + ".png");
        link.addEventListener("click", function () {
          // Set before the browser follows the link: the download is the chart as drawn now.
          link.setAttribute("href", chart.getDataURL(PNG));
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
