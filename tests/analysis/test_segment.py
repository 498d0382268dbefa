"""The segmenter: both back ends use the domain dictionary; jieba's cache stays in our folder."""
import os
import subprocess
import sys

from indexer.config import PROJECT_ROOT


def test_rjieba_keeps_domain_words_whole():
    from indexer.analysis.segment import get_segmenter

    words = [w for w, _s, _e in get_segmenter().tokenize("经认证的经营者与单一窗口", False)]
    assert words[:1] == ["经认证的经营者"] and "单一窗口" in words


def test_jieba_backend_caches_in_the_instance_folder(tmp_path):
    code = ("from indexer.analysis.segment import get_segmenter; s = get_segmenter(); "
            "print([w for w, _a, _b in s.tokenize('世界海关组织在京都公约框架下合作', False)])")
    env = {**os.environ, "SEGMENTER": "jieba", "INDEX_DIR": str(tmp_path / "index"), "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("JIEBA_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "'世界海关组织'" in out.stdout and "'京都公约'" in out.stdout
    assert list((tmp_path / "index" / "cache").glob("jieba*.cache"))
