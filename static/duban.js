/* Duban: Chinese words for the date pickers of Flask-Admin (daterangepicker 1.3 takes them from its options). */
(function ($) {
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
})(jQuery);
