import subprocess
import sys

SCRIPT = (
    'import numpy as np; import webnn; ml = webnn.ML(); '
    'ctx = ml.create_context(power_preference="default", accelerated=False); '
    'builder = ctx.create_graph_builder(); A = np.array([[1., 2.], [3., 4.]], dtype=np.float32); '
    'B = np.array([[5., 6.], [7., 8.]], dtype=np.float32); a = builder.constant(A); b = builder.constant(B); '
    'y = builder.matmul(a, b); graph = builder.build({"output": y}); result = ctx.compute(graph, {}); '
    'print("Y =", result["output"])'
)


def test_the_readme_script_prints_the_product():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Y = [[19. 22.]\n [43. 50.]]\n"
