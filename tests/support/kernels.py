"""A real kernel started through the server: run a cell, return the `NAME=value` lines it printed."""

from __future__ import annotations

import json

#: A cell that prints what the kernel sees of its activation.
CODE = (
    "import os, sys\n"
    "print('PREFIX=' + os.environ.get('CONDA_PREFIX', ''))\n"
    "print('PATH0=' + os.environ['PATH'].split(os.pathsep)[0])\n"
    "print('ACTIVATE=' + os.environ.get('FROM_ACTIVATE', ''))\n"
    "print('STATE=' + os.environ.get('FROM_STATE', ''))\n"
    "print('DEFAULT=' + os.environ.get('CONDA_DEFAULT_ENV', ''))\n"
    "print('PROMPT=' + os.environ.get('CONDA_PROMPT_MODIFIER', ''))\n"
    "print('BASH=' + os.environ.get('FROM_BASH', ''))\n"
)


async def run_in_kernel(
    jp_fetch, jp_serverapp, kernel_name: str, code: str = CODE, list_first: bool = True
) -> dict:
    """Start `kernel_name` through the server, run `code`, stop it; return the `NAME=value` lines printed."""
    if list_first:  # as JupyterLab does first: envs made after the server started
        await jp_fetch("api", "kernelspecs")
    response = await jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": kernel_name}))
    kernel_id = json.loads(response.body)["id"]
    client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        chunks = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                chunks.append(msg["content"]["text"])

        reply = await client.execute_interactive(code, output_hook=hook, timeout=60)
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")
    lines = "".join(chunks).splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)
