import unittest

from intervals import merge_intervals, total_length


class MergeTest(unittest.TestCase):
    def test_overlapping_sorted(self):
        self.assertEqual(merge_intervals([[1, 3], [2, 6], [8, 10]]), [[1, 6], [8, 10]])

    def test_touching(self):
        self.assertEqual(merge_intervals([[1, 2], [2, 4]]), [[1, 4]])

    def test_total_length(self):
        self.assertEqual(total_length([[0, 5], [3, 7]]), 7)


if __name__ == "__main__":
    unittest.main()
