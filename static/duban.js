/* Duban: Chinese words for the date pickers of Flask-Admin (daterangepicker 1.3 takes them from its options). */
(function ($) {
  if (!$) { return; }
  var chinese = {
    applyLabel: "确定", cancelLabel: "取消", fromLabel: "从", toLabel: "至", weekLabel: "周",
    customRangeLabel: "自定义", firstDay: 1,
    daysOfWeek: ["日", "一", "二", "三", "四", "五", "六"],
    monthNames: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"]
  };
  // form.js triggers this right after daterangepicker.js has loaded and before any picker is built.
  $(document).on("adminFormReady", function () {
    var original = $.fn.daterangepicker;
    if (!original || original.duban) { return; }
    $.fn.daterangepicker = function (options, callback) {
      options = $.extend(true, {}, options, { locale: chinese });
      return original.call(this, options, callback);
    };
    $.fn.daterangepicker.duban = true;
  });
})(window.jQuery);

/* Duban: behaviour that used to sit in inline on* attributes, which the Content-Security-Policy forbids.
   data-confirm on a form or button asks first; data-print prints; data-duban-action runs a list action;
   a filter link and a javascript: link never navigate. */
(function () {
  // Flask-Admin's menus and tabs use href="javascript:void(0)"; the CSP refuses such URLs, so never follow one.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='javascript:']") : null;
    if (link) { event.preventDefault(); }
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : event.target.parentElement;
    if (!target || !target.closest) { return; }
    var confirmButton = target.closest("button[data-duban-confirm]");
    if (confirmButton && !window.confirm(confirmButton.getAttribute("data-duban-confirm"))) {
      event.preventDefault();
      return;
    }
    if (target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
      return;
    }
    var action = target.closest("[data-duban-action]");
    if (action) {
      event.preventDefault();
      if (window.modelActions) { window.modelActions.execute(action.getAttribute("data-duban-action")); }
      return;
    }
    if (target.closest("a.filter")) { event.preventDefault(); }
  });
})();

/* Duban: on a new item's form, 纳入三次督查 "按来源默认" says what the chosen source's default is (纳入 / 不纳入);
   the server applies the same rule (SOURCES_UNDER_CHECKS) when the item is saved. */
(function ($) {
  if (!$) { return; }
  function showDefault() {
    var scope = document.getElementById("under_checks");
    var source = document.getElementById("source");
    if (!scope || !source) { return; }
    var option = scope.querySelector("option[value='default']");
    if (!option) { return; }
    var under = (scope.getAttribute("data-sources-under-checks") || "").split(",");
    var label = "按来源默认";
    if (source.value) { label += under.indexOf(source.value) >= 0 ? "（纳入）" : "（不纳入）"; }
    option.textContent = label;
  }
  $(document).on("change", "#source", showDefault);  // select2 announces its changes through jQuery
  $(showDefault);
})(window.jQuery);
