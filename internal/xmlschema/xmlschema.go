// Package xmlschema validates XML documents against an XML Schema with
// Debian's xmllint (libxml2-utils), for tests.
package xmlschema

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-project/vigia/internal/shareddata"
)

// Lint returns the path of xmllint. Without it the test is skipped on a
// developer's machine and fails when the CI environment variable is set.
func Lint(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint is required under CI: %v", err)
		}
		t.Skipf("xmllint not found (apt-get install libxml2-utils): %v", err)
	}
	return p
}

// Validate runs xmllint --nonet on doc against the schema file; nil means
// the document validates.
func Validate(t testing.TB, lint, schema string, doc []byte) error {
	t.Helper()
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--nonet", "--noout", "--schema", schema, f).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	if !bytes.Contains(out, []byte("validates")) {
		return fmt.Errorf("xmllint said: %s", out)
	}
	return nil
}

// CoT returns the MITRE CoT event schema of ../shared/data/schemas and a
// wrapper schema, written into a temporary folder, that adds the MITRE
// detail sub-schemas Vigia's events use (contact, remarks, track, link).
func CoT(t testing.TB) (base, detail string) {
	t.Helper()
	base = shareddata.Path(t, "schemas/cot/event.xsd")
	mitre := shareddata.Path(t, "schemas/cot/mitre")
	var b strings.Builder
	b.WriteString(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">` + "\n")
	fmt.Fprintf(&b, "  <xs:include schemaLocation=%q/>\n", base)
	for _, f := range []string{"CoT-Contact.xsd", "CoT-Remarks.xsd", "CoT-Track.xsd", "CoT-Link.xsd"} {
		fmt.Fprintf(&b, "  <xs:include schemaLocation=%q/>\n", filepath.Join(mitre, f))
	}
	b.WriteString("</xs:schema>\n")
	detail = filepath.Join(t.TempDir(), "cot-detail.xsd")
	if err := os.WriteFile(detail, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return base, detail
}

// CAP returns the OASIS CAP 1.2 schema of ../shared/data/schemas.
func CAP(t testing.TB) string {
	t.Helper()
	return shareddata.Path(t, "schemas/cap/CAP-v1.2.xsd")
}
