#!/usr/bin/env bash
# Serve the kit with The Littlest JupyterHub (https://tljh.jupyter.org) on one server
# (Ubuntu/Debian, run as a user with sudo, from this folder of a checkout of the kit).
#
#   KIT_REPO=https://github.com/<org>/<kit>.git ADMIN=instructor ./install.sh
#
# For a graded session install the learner kit of a graded release instead (no solution, hint or
# check code; see `mlkit workshop release --graded`), pushed to a repository of its own:
#
#   KIT_REPO=<the release's git URL> KIT_BRANCH=graded KIT_SUBDIRECTORY=kit ADMIN=instructor ./install.sh
#
# Installs TLJH if it is not there, then the kit into the learners' environment with every
# dependency pinned by the kit's lock (requirements.txt here is generated from it), and sets
# the per-user limits sized in deploy/README.md. Learners get the notebooks by an nbgitpuller
# link (`mlkit workshop link --hub http://<server>`); TLJH's user environment includes nbgitpuller.
set -euo pipefail
cd "$(dirname "$0")"

KIT_REPO="${KIT_REPO:?set KIT_REPO to the git URL of the kit repository}"
KIT_BRANCH="${KIT_BRANCH:-main}"
KIT_SUBDIRECTORY="${KIT_SUBDIRECTORY:-}"   # `kit` for a graded release
ADMIN="${ADMIN:-instructor}"
MEMORY_LIMIT="${MEMORY_LIMIT:-4G}"   # see deploy/README.md: sized from the notebooks' measured peak memory
CPU_LIMIT="${CPU_LIMIT:-1}"
USER_PIP=/opt/tljh/user/bin/pip
USER_PYTHON=/opt/tljh/user/bin/python

if [ ! -x "$USER_PIP" ]; then
  curl -fsSL https://tljh.jupyter.org/bootstrap.py | sudo python3 - --admin "$ADMIN"
fi

"$USER_PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "the kit needs Python 3.11 or newer in /opt/tljh/user; upgrade TLJH")'

# The learners' environment: exactly the lock's versions, then the kit without resolving again.
sudo -E "$USER_PIP" install --no-cache-dir -r requirements.txt
sudo -E "$USER_PIP" install --no-cache-dir --no-deps "git+${KIT_REPO}@${KIT_BRANCH}${KIT_SUBDIRECTORY:+#subdirectory=${KIT_SUBDIRECTORY}}"
sudo -E "$USER_PIP" check

sudo tljh-config set user_environment.default_app jupyterlab
sudo tljh-config set limits.memory "$MEMORY_LIMIT"
sudo tljh-config set limits.cpu "$CPU_LIMIT"
sudo tljh-config set services.cull.timeout 3600
sudo tljh-config reload

if [ -n "$KIT_SUBDIRECTORY" ]; then
  echo "The hub serves the graded kit. Hand out: mlkit workshop link --hub http://<this server> --repo ${KIT_REPO} --release <the release folder>"
else
  echo "The hub serves the kit. Hand out: mlkit workshop link --hub http://<this server> --repo ${KIT_REPO} --branch ${KIT_BRANCH}"
fi
