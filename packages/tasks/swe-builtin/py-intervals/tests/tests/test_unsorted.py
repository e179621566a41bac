import unittest

from intervals import merge_intervals, total_length


class UnsortedTest(unittest.TestCase):
    def test_unsorted_input(self):
        self.assertEqual(merge_intervals([[8, 10], [1, 3], [2, 6]]), [[1, 6], [8, 10]])

    def test_total_length_unsorted(self):
        self.assertEqual(total_length([[5, 9], [0, 6]]), 9)

    def test_input_is_not_modified(self):
        given = [[4, 5], [1, 4]]
        merge_intervals(given)
        self.assertEqual(given, [[4, 5], [1, 4]])


if __name__ == "__main__":
    unittest.main()
