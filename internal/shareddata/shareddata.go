// Package shareddata finds the real recordings in ../shared/data beside the
// repository, for tests. Files under GPL or ODbL stay there (a plain clone
// lacks them); permissively licensed ones are copied into testdata/.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of rel inside ../shared/data. When the folder is
// absent the test is skipped on a developer's machine and fails under CI
// (CI set), where nothing may be silently skipped.
func Path(t testing.TB, rel string) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("shareddata: %v", err)
	}
	p := filepath.Join(root, "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shareddata: %s is missing under CI: %v", p, err)
		}
		t.Skipf("shareddata: %s not found (it lies beside the repository, in ../shared/data): %v", rel, err)
	}
	return p
}

// repoRoot walks up from the working directory to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
