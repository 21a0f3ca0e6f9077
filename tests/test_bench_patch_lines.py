from bench.patch_lines import code_lines


def test_code_lines_leave_out_docstrings_comments_and_blank_lines():
    source = '"""Module\ndoc."""\nimport os\n\n\ndef f(\n    x,\n):\n    """Doc."""\n    # why\n    return os.sep + x  # note\n'
    assert code_lines(source) == 5  # import, the three lines of the signature, return


def test_a_string_that_is_not_a_docstring_is_code():
    assert code_lines('x = 1\n"""not a docstring"""\ny = """a\nb"""\n') == 4
