"""Mirror lists: what a mirror job (a plain list, `skopeo sync`, `regsync`) would copy."""
