from .record import write_for_request


class AccessLogMiddleware:
    """Writes the access-log entry of every signed-in request (and of token pages) once it is answered.

    It sits after authentication, so it knows who asked, and outside the views'
    transactions, so a refused or failed change is still written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        write_for_request(request, response)
        return response
