"""Error pages in Chinese: a person never sees an English stack trace or a bare 500."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("请求有误", "提交的内容无法处理，请返回重试。"),
    403: ("无权访问", "您的账户没有访问此页面的权限。"),
    404: ("页面不存在", "您访问的页面不存在，或已被删除。"),
    405: ("请求方式不正确", "该页面不接受这种请求方式。"),
    413: ("文件过大", "上传的文件超过了允许的大小。"),
    500: ("系统内部错误", "系统暂时无法完成您的请求，已记录日志，请稍后重试或联系系统管理员。"),
}


def error_page(status: int, detail: str | None = None):
    """Render the Chinese error page for an HTTP status."""
    title, message = MESSAGES.get(status, ("出错了", "请求无法完成。"))
    return render_template("errors/error.html", status=status, title=title, message=detail or message), status


def register_error_pages(app: Flask) -> None:
    """Serve Chinese pages for HTTP errors, CSRF failures and unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(400, "页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def http_error(error):
        return error_page(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("unhandled error")
        return error_page(500)
