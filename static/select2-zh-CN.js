/* Duban: Chinese words for Select2 3.5 (Flask-Admin's bootstrap4 theme ships it without its locale files).
   Loaded right after select2.min.js and before form.js builds any widget, so the defaults apply to all. */
(function ($) {
  if (!$.fn.select2) { return; }
  var chinese = {
    formatMatches: function (matches) { return matches === 1 ? "找到 1 项，按回车键选择。" : "找到 " + matches + " 项，可用上下方向键选择。"; },
    formatNoMatches: function () { return "没有找到匹配项"; },
    formatAjaxError: function () { return "加载失败"; },
    formatInputTooShort: function (input, min) { return "请再输入 " + (min - input.length) + " 个字"; },
    formatInputTooLong: function (input, max) { return "请删去 " + (input.length - max) + " 个字"; },
    formatSelectionTooBig: function (limit) { return "最多只能选择 " + limit + " 项"; },
    formatLoadMore: function () { return "正在加载更多结果…"; },
    formatSearching: function () { return "正在查找…"; }
  };
  $.fn.select2.locales = $.fn.select2.locales || {};
  $.fn.select2.locales["zh-CN"] = chinese;
  $.extend($.fn.select2.defaults, chinese);
})(jQuery);
