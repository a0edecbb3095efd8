from django.contrib.auth.models import Group, User

from tests.e2e.conftest import PASSWORD


def person(role: str, username: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user
