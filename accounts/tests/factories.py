import factory

from accounts.models import User
from accounts.services import instructor_grant


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


class InstructorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"instructor{n}")

    @factory.post_generation
    def make_instructor(obj, create, extracted, **kwargs):  # noqa: N805 (factory_boy passes the instance)
        if create:
            instructor_grant(user=obj)
