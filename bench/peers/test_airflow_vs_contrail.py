"""Checks of the peer driver's own arithmetic and DAG files, without Airflow or Contrail running:
python3 -m unittest bench/peers/test_airflow_vs_contrail.py (any Python 3.10+)."""
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import airflow_vs_contrail as d  # noqa: E402


class ParseTime(unittest.TestCase):
    def test_airflow_and_contrail_forms_give_the_same_instant(self):
        airflow = d.parse_time("2026-12-03T06:30:01.123456Z")
        contrail_nanos = d.parse_time("2026-12-03T06:30:01.123456789Z")
        offset = d.parse_time("2026-12-03T07:30:01.123456+01:00")
        self.assertAlmostEqual(airflow, contrail_nanos, places=5)
        self.assertAlmostEqual(airflow, offset, places=6)
        self.assertAlmostEqual(d.parse_time("2026-12-03T06:30:02Z") - airflow, 0.876544, places=5)

    def test_missing_time_is_none(self):
        self.assertIsNone(d.parse_time(None))
        self.assertIsNone(d._span("2026-12-03T06:30:02Z", None))


class Summary(unittest.TestCase):
    def test_min_median_max_skips_missing_values(self):
        self.assertEqual(d.mmm([3.0, None, 1.0, 2.0, 10.0]), {"min": 1.0, "median": 2.5, "max": 10.0, "n": 4})
        self.assertIsNone(d.mmm([None]))


class ProcessTree(unittest.TestCase):
    BUSY = ("import subprocess, sys, time\n"
            "def burn(cpu):\n"
            "    t = time.process_time()\n"
            "    while time.process_time() - t < cpu: pass\n"
            "if sys.argv[1] == 'grandchild':\n"
            "    burn(0.3); sys.exit(0)\n"
            "burn(0.2)\n"
            "subprocess.run([sys.executable, '-c', sys.argv[2], 'grandchild', ''])\n"   # reaped: counted in cutime
            "print('done', flush=True)\n"
            "time.sleep(30)\n")

    def test_cpu_of_a_tree_counts_its_own_and_its_reaped_childrens_time(self):
        child = subprocess.Popen([sys.executable, "-c", self.BUSY, "child", self.BUSY], stdout=subprocess.PIPE, text=True)
        try:
            self.assertIn(child.pid, d.tree(d.proc_table(), [os.getpid()]))
            self.assertEqual(child.stdout.readline().strip(), "done")
            self.assertGreaterEqual(d.cpu_seconds([child.pid]), 0.45)   # 0.2 own + 0.3 grandchild, tick rounding
            self.assertGreater(d.pss_kib(child.pid), 0)
        finally:
            child.kill()
            child.wait()
            child.stdout.close()


class DagFiles(unittest.TestCase):
    def test_contrail_chain_links_each_task_to_the_one_before(self):
        with tempfile.TemporaryDirectory() as tmp:
            d.write_contrail_dags(Path(tmp) / "dags", 3, 4, 16)
            chain = (Path(tmp) / "dags" / "chain.yaml").read_text()
            wide = (Path(tmp) / "dags" / "wide.yaml").read_text()
        self.assertIn("dag_id: chain-4\n", chain)
        self.assertEqual(chain.count("type: shell"), 4)
        self.assertEqual(chain.count("depends_on:"), 3)
        self.assertIn("  - task_id: t003\n    type: shell\n    command: \"true\"\n    depends_on: [t002]\n", chain)
        self.assertEqual(wide.count("type: shell"), 3)
        self.assertNotIn("depends_on", wide)
        self.assertIn("paused: false\n", wide)

    def test_airflow_files_are_python_with_the_same_shape(self):
        with tempfile.TemporaryDirectory() as tmp:
            d.write_airflow_dags(Path(tmp) / "dags", 3, 4, 16)
            for name in ("chain.py", "wide.py"):
                compile((Path(tmp) / "dags" / name).read_text(), name, "exec")
            chain = (Path(tmp) / "dags" / "chain.py").read_text()
        self.assertIn('DAG("chain-4", schedule=None', chain)
        self.assertIn("previous >> task", chain)
        self.assertIn("is_paused_upon_creation=False, max_active_tasks=16", chain)


if __name__ == "__main__":
    unittest.main()
