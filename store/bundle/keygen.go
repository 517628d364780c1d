package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"filippo.io/age"

	"taizhang/store"
)

// KeyExistsError: Keygen never writes over a file, which may hold the
// identity that opens earlier bundles.
type KeyExistsError struct{ Path string }

func (e *KeyExistsError) Error() string {
	return fmt.Sprintf("文件 %s 已经存在，本程序不会覆盖它（里面可能是正在使用的私钥，覆盖后以前的导出包就打不开了）。请换一个文件名。", e.Path)
}

// Keygen makes an age X25519 key pair for a receiving office: the identity
// (private key) goes into a new file at path, readable only by its owner
// (mode 0600), in the format of age-keygen; the public key (age1…) is
// returned, for the communities to set as the receiving office's key.
func Keygen(path string) (publicKey string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return "", &KeyExistsError{Path: path}
	}
	if err != nil {
		return "", fmt.Errorf("无法创建私钥文件 %s：%w。请检查文件夹是否存在、是否可写。", path, err)
	}
	pub := id.Recipient().String()
	_, err = fmt.Fprintf(f, "# created: %s\n# public key: %s\n%s\n", store.Clock().Format(time.RFC3339), pub, id)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("无法写入私钥文件 %s：%w。", path, err)
	}
	return pub, nil
}
