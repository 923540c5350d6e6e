package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// PEM block types of the key files.
const (
	pemPrivate = "PRIVATE KEY" // PKCS #8
	pemPublic  = "PUBLIC KEY"  // PKIX
)

// LoadOrCreateKey loads the Ed25519 private key at path, or creates one if
// the file does not exist; created reports which.
//
// The key file is PEM "PRIVATE KEY" (PKCS #8) with mode 0600; a new one is
// written atomically (it never clobbers a key another process created first)
// and missing parent directories are created with mode 0700. The public key
// is written next to it, to path + ".pub", as PEM "PUBLIC KEY" (PKIX), mode
// 0644; loading an existing key rewrites a missing .pub and refuses one that
// holds another key.
//
// It refuses, with an error naming the path, a key file readable or writable
// by group or others (except on Windows), one that is not a single PEM
// "PRIVATE KEY" block, and a key that is not Ed25519.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, bool, error) {
	key, err := loadPrivate(path)
	if err == nil {
		return key, false, ensurePublic(path, key.Public().(ed25519.PublicKey))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	key, created, err := create(path)
	if err != nil {
		return nil, false, err
	}
	if err := ensurePublic(path, key.Public().(ed25519.PublicKey)); err != nil {
		return nil, false, err
	}
	return key, created, nil
}

// loadPrivate reads and checks the private key file; a missing file gives
// an error wrapping fs.ErrNotExist.
func loadPrivate(path string) (ed25519.PrivateKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("sign: key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("sign: key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("sign: key file %s has mode %#o, want 0600 (not accessible to group or others); fix with chmod 600", path, perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sign: key file: %w", err)
	}
	der, err := onePEM(data, pemPrivate)
	if err != nil {
		return nil, fmt.Errorf("sign: key file %s: %w", path, err)
	}
	key, err := parsePrivate(der)
	if err != nil {
		return nil, fmt.Errorf("sign: key file %s: %w", path, err)
	}
	return key, nil
}

// create makes a new key at path. If another process creates the file first,
// it loads that one instead (created false).
func create(path string) (ed25519.PrivateKey, bool, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("sign: generating key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, false, fmt.Errorf("sign: encoding key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("sign: key directory: %w", err)
	}
	tmp, err := writeTemp(dir, pem.EncodeToMemory(&pem.Block{Type: pemPrivate, Bytes: der}), 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("sign: writing key file %s: %w", path, err)
	}
	defer os.Remove(tmp)
	// Link, unlike rename, fails if path exists: never clobber a key.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			k, err := loadPrivate(path)
			return k, false, err
		}
		// No hard links on this file system: fall back to rename.
		if _, serr := os.Lstat(path); serr == nil {
			k, err := loadPrivate(path)
			return k, false, err
		}
		if err := os.Rename(tmp, path); err != nil {
			return nil, false, fmt.Errorf("sign: writing key file %s: %w", path, err)
		}
	}
	return key, true, nil
}

// ensurePublic writes pub to path+".pub" if that file is missing, and checks
// it holds pub if it exists.
func ensurePublic(path string, pub ed25519.PublicKey) error {
	pubPath := path + ".pub"
	if have, err := ReadPublicKey(pubPath); err == nil {
		if !have.Equal(pub) {
			return fmt.Errorf("sign: public key file %s (key %s) does not match the private key %s (key %s); remove it to have it rewritten",
				pubPath, KeyID(have), path, KeyID(pub))
		}
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return fmt.Errorf("sign: encoding public key: %w", err)
	}
	tmp, err := writeTemp(filepath.Dir(pubPath), pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: der}), 0o644)
	if err != nil {
		return fmt.Errorf("sign: writing public key file %s: %w", pubPath, err)
	}
	if err := os.Rename(tmp, pubPath); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sign: writing public key file %s: %w", pubPath, err)
	}
	return nil
}

// writeTemp writes data to a new temporary file in dir with mode perm,
// synced, and returns its name.
func writeTemp(dir string, data []byte, perm fs.FileMode) (string, error) {
	f, err := os.CreateTemp(dir, ".sign-*.tmp") // created 0600
	if err != nil {
		return "", err
	}
	name := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// ReadPublicKey reads an Ed25519 public key from path, which holds either a
// PEM "PUBLIC KEY" (PKIX), a PEM "PRIVATE KEY" (PKCS #8; the public key is
// derived from it), or the raw 32-byte key in standard base64 on one line.
// Errors name the path; a missing file gives an error wrapping fs.ErrNotExist.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sign: public key: %w", err)
	}
	pub, err := parsePublic(data)
	if err != nil {
		return nil, fmt.Errorf("sign: public key file %s: %w", path, err)
	}
	return pub, nil
}

// parsePublic parses the contents of a public key file (see ReadPublicKey).
func parsePublic(data []byte) (ed25519.PublicKey, error) {
	text := bytes.TrimSpace(data)
	if !bytes.HasPrefix(text, []byte("-----BEGIN ")) {
		if bytes.ContainsAny(text, "\r\n") {
			return nil, errors.New("not PEM, and not a base64 key on one line")
		}
		raw, err := base64.StdEncoding.Strict().DecodeString(string(text))
		if err != nil {
			raw, err = base64.RawStdEncoding.Strict().DecodeString(string(text))
		}
		if err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("not PEM, and not a base64 %d-byte Ed25519 key", ed25519.PublicKeySize)
		}
		return ed25519.PublicKey(raw), nil
	}
	block, rest := pem.Decode(text)
	if block == nil {
		return nil, errors.New("bad PEM")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("data after the PEM block")
	}
	switch block.Type {
	case pemPublic:
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("bad %s: %w", pemPublic, err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%T is not an Ed25519 key", k)
		}
		return pub, nil
	case pemPrivate:
		key, err := parsePrivate(block.Bytes)
		if err != nil {
			return nil, err
		}
		return key.Public().(ed25519.PublicKey), nil
	default:
		return nil, fmt.Errorf("PEM type %q, want %q or %q", block.Type, pemPublic, pemPrivate)
	}
}

// onePEM decodes data as exactly one PEM block of type typ (surrounding
// whitespace allowed) and returns its bytes.
func onePEM(data []byte, typ string) ([]byte, error) {
	data = bytes.TrimSpace(data)
	block, rest := pem.Decode(data)
	if block == nil || !bytes.HasPrefix(data, []byte("-----BEGIN ")) {
		return nil, errors.New("not PEM")
	}
	if block.Type != typ {
		return nil, fmt.Errorf("PEM type %q, want %q", block.Type, typ)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("data after the PEM block")
	}
	return block.Bytes, nil
}

// parsePrivate parses a PKCS #8 DER private key that must be Ed25519.
func parsePrivate(der []byte) (ed25519.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("bad %s: %w", pemPrivate, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%T is not an Ed25519 key", k)
	}
	return key, nil
}
