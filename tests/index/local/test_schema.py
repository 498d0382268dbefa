"""Our analysis fed to Whoosh: positions stored compactly, and those Whoosh wrote itself still read."""
import pytest
from whoosh.formats import Positions

from indexer.index.local.schema import TokenPositions


@pytest.mark.parametrize("positions", [[], [0], [3, 5, 9], list(range(0, 600, 7)), [2, 70_000, 70_001]])
def test_stored_positions_decode_to_what_was_indexed(positions):
    fmt = TokenPositions()
    value = fmt.encode(positions)
    assert fmt.decode_positions(value) == positions
    assert fmt.decode_frequency(value) == len(positions)


def test_positions_written_by_whooshs_own_format_still_decode():
    assert TokenPositions().decode_positions(Positions().encode([2, 4, 8, 300])) == [2, 4, 8, 300]
