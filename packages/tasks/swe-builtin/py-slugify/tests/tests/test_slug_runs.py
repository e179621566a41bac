import unittest

from textkit import slugify


class SlugRunsTest(unittest.TestCase):
    def test_punctuation_run_is_one_separator(self):
        self.assertEqual(slugify("Hello, World!"), "hello-world")

    def test_custom_separator_run(self):
        self.assertEqual(slugify("a  --  b", separator="_"), "a_b")


if __name__ == "__main__":
    unittest.main()
