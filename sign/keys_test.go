package sign

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "alert.key")

	key, created, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !created || len(key) != ed25519.PrivateKeySize {
		t.Fatalf("first call: created=%v, %d-byte key", created, len(key))
	}
	if runtime.GOOS != "windows" {
		for p, want := range map[string]fs.FileMode{
			path:                         0o600,
			path + ".pub":                0o644,
			filepath.Join(dir, "a"):      0o700,
			filepath.Join(dir, "a", "b"): 0o700,
		} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			// umask may only clear bits.
			if got := fi.Mode().Perm(); got&^want != 0 || (p == path && got != want) {
				t.Errorf("%s: mode %#o, want %#o", p, got, want)
			}
		}
	}
	// The files are the PEM the doc promises.
	data, _ := os.ReadFile(path)
	if b, _ := pem.Decode(data); b == nil || b.Type != "PRIVATE KEY" {
		t.Errorf("key file is not PEM PRIVATE KEY:\n%s", data)
	}
	data, _ = os.ReadFile(path + ".pub")
	if b, _ := pem.Decode(data); b == nil || b.Type != "PUBLIC KEY" {
		t.Errorf("public key file is not PEM PUBLIC KEY:\n%s", data)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 2 {
		t.Errorf("key directory holds %d entries, want 2 (no temporary files left)", len(entries))
	}

	// Reloaded identically.
	again, created, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if created || !again.Equal(key) {
		t.Fatalf("second call: created=%v, same key %v", created, again.Equal(key))
	}
	pub := key.Public().(ed25519.PublicKey)
	for _, p := range []string{path + ".pub", path} {
		got, err := ReadPublicKey(p)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(pub) {
			t.Errorf("ReadPublicKey(%s) is another key", p)
		}
	}

	// A missing .pub is rewritten; a mismatched one refused.
	if err := os.Remove(path + ".pub"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKey(path); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadPublicKey(path + ".pub"); err != nil || !got.Equal(pub) {
		t.Errorf("rewritten .pub: %v", err)
	}
	other := filepath.Join(dir, "other.key")
	if _, _, err := LoadOrCreateKey(other); err != nil {
		t.Fatal(err)
	}
	otherPub, _ := os.ReadFile(other + ".pub")
	if err := os.WriteFile(path+".pub", otherPub, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), path+".pub") {
		t.Errorf("mismatched .pub: %v, want an error naming it", err)
	}

	// Signatures made with the loaded key verify with the read public key.
	signed, err := Sign(again, []byte(`{"x":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ReadPublicKey(path); Verify(got, signed) != nil {
		t.Error("signature by the loaded key does not verify with the read public key")
	}
}

func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "alert.key")
	const n = 8
	keys := make([]ed25519.PrivateKey, n)
	created := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], created[i], errs[i] = LoadOrCreateKey(path) })
	}
	wg.Wait()
	nCreated := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("racer %d: %v", i, errs[i])
		}
		if !keys[i].Equal(keys[0]) {
			t.Fatalf("racers %d and 0 got different keys", i)
		}
		if created[i] {
			nCreated++
		}
	}
	if nCreated != 1 {
		t.Errorf("%d racers created the key, want 1", nCreated)
	}
}

func TestLoadOrCreateKeyRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string, mode fs.FileMode) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	_, good, _ := ed25519.GenerateKey(rand.Reader)
	goodDER, _ := x509.MarshalPKCS8PrivateKey(good)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	pubDER, _ := x509.MarshalPKIXPublicKey(good.Public())

	tests := []struct {
		name, data string
		mode       fs.FileMode
		want       string // in the error
	}{
		{"group-readable", pemOf("PRIVATE KEY", goodDER), 0o640, "mode 0640"},
		{"world-readable", pemOf("PRIVATE KEY", goodDER), 0o644, "chmod 600"},
		{"garbage", "this is not a key\n", 0o600, "not PEM"},
		{"empty", "", 0o600, "not PEM"},
		{"public key in the key file", pemOf("PUBLIC KEY", pubDER), 0o600, `PEM type "PUBLIC KEY"`},
		{"legacy PEM type", pemOf("EC PRIVATE KEY", ecDER), 0o600, `PEM type "EC PRIVATE KEY"`},
		{"ECDSA key", pemOf("PRIVATE KEY", ecDER), 0o600, "not an Ed25519 key"},
		{"corrupt DER", pemOf("PRIVATE KEY", goodDER[:20]), 0o600, "bad PRIVATE KEY"},
		{"two blocks", pemOf("PRIVATE KEY", goodDER) + pemOf("PRIVATE KEY", goodDER), 0o600, "data after"},
		{"junk before", "junk\n" + pemOf("PRIVATE KEY", goodDER), 0o600, "not PEM"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && tc.mode != 0o600 {
				t.Skip("no POSIX modes")
			}
			p := write(strings.ReplaceAll(tc.name, " ", "_")+".key", tc.data, tc.mode)
			before, _ := os.ReadFile(p)
			key, created, err := LoadOrCreateKey(p)
			if err == nil {
				t.Fatalf("no error (created=%v, key %d bytes)", created, len(key))
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q should name %s and say %q", err, p, tc.want)
			}
			if after, _ := os.ReadFile(p); string(after) != string(before) {
				t.Error("the refused key file was changed")
			}
			if _, err := os.Stat(p + ".pub"); !errors.Is(err, fs.ErrNotExist) {
				t.Error("a .pub was written for a refused key")
			}
		})
	}
	// A directory where the key should be.
	if err := os.Mkdir(filepath.Join(dir, "d.key"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKey(filepath.Join(dir, "d.key")); err == nil {
		t.Error("directory as key file: no error")
	}
}

func TestReadPublicKey(t *testing.T) {
	dir := t.TempDir()
	key := testKey(t)
	pub := key.Public().(ed25519.PublicKey)
	pubDER, _ := x509.MarshalPKIXPublicKey(pub)
	privDER, _ := x509.MarshalPKCS8PrivateKey(key)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecPubDER, _ := x509.MarshalPKIXPublicKey(ec.Public())
	b64 := base64.StdEncoding.EncodeToString(pub)
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}

	good := map[string]string{
		"pem public":     pemOf("PUBLIC KEY", pubDER),
		"pem private":    pemOf("PRIVATE KEY", privDER),
		"base64":         b64,
		"base64 newline": b64 + "\n",
		"base64 raw":     strings.TrimRight(b64, "="),
		"base64 spaced":  "  " + b64 + " \r\n",
	}
	bad := map[string]string{
		"empty":              "",
		"not base64":         "hello world",
		"31 bytes":           base64.StdEncoding.EncodeToString(pub[:31]),
		"64 bytes":           base64.StdEncoding.EncodeToString(key),
		"two lines":          b64[:20] + "\n" + b64[20:],
		"ecdsa public":       pemOf("PUBLIC KEY", ecPubDER),
		"certificate type":   pemOf("CERTIFICATE", pubDER),
		"corrupt pem":        pemOf("PUBLIC KEY", pubDER[:10]),
		"data after pem":     pemOf("PUBLIC KEY", pubDER) + "extra",
		"truncated pem":      pemOf("PUBLIC KEY", pubDER)[:40],
		"openssh authorized": "ssh-ed25519 " + b64,
	}
	for name, data := range good {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadPublicKey(p)
		if err != nil || !got.Equal(pub) {
			t.Errorf("%s: %v (equal %v)", name, err, got.Equal(pub))
		}
	}
	for name, data := range bad {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := ReadPublicKey(p); err == nil {
			t.Errorf("%s: no error (key %x)", name, got)
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
	if _, err := ReadPublicKey(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}
