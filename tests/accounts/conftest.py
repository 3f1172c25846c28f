import pytest


@pytest.fixture
def config(config):
    """Account tests run over plain HTTP in the test client: cookies may not be Secure there."""
    return {**config, "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "test-secret"}
