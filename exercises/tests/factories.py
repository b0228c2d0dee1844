import factory
from django.core.files.base import ContentFile

from accounts.tests.factories import UserFactory
from exercises.models import Submission
from exercises.tests.archives import make_zip


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: n + 1)
    archive = factory.LazyFunction(lambda: ContentFile(make_zip({"manage.py": ""}), name="project.zip"))
    archive_sha256 = "0" * 64
    archive_size = 100
    max_score = 100
