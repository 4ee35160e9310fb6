import factory

from accounts.models import Team, User

PASSWORD = "a-test-password-123"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    site = factory.Faker("city")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = User.Role.COORDINATOR
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


class CoordinatorFactory(UserFactory):
    role = User.Role.COORDINATOR


class SupervisorFactory(UserFactory):
    role = User.Role.SUPERVISOR


class FamilyUserFactory(UserFactory):
    role = User.Role.FAMILY


class AdminFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True
    is_superuser = True
