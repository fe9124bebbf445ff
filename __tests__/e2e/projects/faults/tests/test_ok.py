import pathlib


def test_one():
    assert 1 + 1 == 2


def test_two(request):
    # Tests that write into the project tree are common; those files must end up owned by the runner's user.
    out = pathlib.Path(request.config.rootpath, "build", "test-output.txt")
    out.parent.mkdir(exist_ok=True)
    out.write_text("written by a test\n")
    assert "a" * 2 == "aa"
