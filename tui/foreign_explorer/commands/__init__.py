"""The commands: `check`, `suggest`, `export`, over one inputs module.

`cli.py` parses the command name and imports the command it names; nothing here imports
`cli.py`. `inputs.py` is every source a command reads (references, manifest files, the
sample, mirror lists, the policy from flags), shared by the commands and the explorer's
launch; `arguments.py` the flags they have in common; `status.py` the exit statuses.
"""
