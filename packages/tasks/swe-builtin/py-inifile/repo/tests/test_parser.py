import unittest

from miniconf import parse


class ParseTest(unittest.TestCase):
    def test_sections_and_keys(self):
        conf = parse("name = demo\n[server]\nport = 8080\n; comment\n")
        self.assertEqual(conf, {"": {"name": "demo"}, "server": {"port": "8080"}})

    def test_missing_equals_is_an_error(self):
        with self.assertRaises(ValueError):
            parse("[a]\njust words\n")


if __name__ == "__main__":
    unittest.main()
