import unittest

from textkit import slugify


class SlugTest(unittest.TestCase):
    def test_simple_title(self):
        self.assertEqual(slugify("Hello World"), "hello-world")

    def test_accents_are_dropped(self):
        self.assertEqual(slugify("Café au lait"), "cafe-au-lait")


if __name__ == "__main__":
    unittest.main()
