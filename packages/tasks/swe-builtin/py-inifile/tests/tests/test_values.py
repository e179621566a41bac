import unittest

from miniconf import parse


class ValueTest(unittest.TestCase):
    def test_value_with_equals_sign(self):
        conf = parse("[db]\nurl = postgres://u@h/db?sslmode=require\n")
        self.assertEqual(conf["db"]["url"], "postgres://u@h/db?sslmode=require")

    def test_base64_padding_kept(self):
        self.assertEqual(parse("token = YWJj==\n")[""]["token"], "YWJj==")


if __name__ == "__main__":
    unittest.main()
