from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import AdminSignInForm, SignInForm
from accounts.views import set_language

from . import converters, views  # noqa: F401 - importing converters registers them for the paths below

# Django's account pages (sign-out, password change and reset), with the password reset link's
# parts matched strictly (carecoord.converters): anything else there is a 404 before the view runs.
account_pages = [
    *(pattern for pattern in auth_urls.urlpatterns if pattern.name != "password_reset_confirm"),
    path(
        "reset/<password_reset_user:uidb64>/<password_reset_token:token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]

admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Django's language switch, which also keeps a family user's choice for their next sign-in.
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/", include(account_pages)),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("screening/", include("screening.urls")),
    path("portal/", include("portal.urls")),
    path("supervision/", include("supervision.urls")),
    path("for-you/", include("notifications.urls")),
    # The directory as the Open Referral HSDS 3.0 API (read-only; public or token-protected by a setting).
    path("hsds/", include("referrals.hsds_urls")),
    path("admin/", admin.site.urls),
]
