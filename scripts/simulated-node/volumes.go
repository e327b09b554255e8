package main

// Volumes, as kubelet's volume manager sees them: a pod's containers start only once every volume
// can be set up. A Secret or ConfigMap that does not exist (and is not optional) keeps the pod in
// ContainerCreating with a FailedMount event, retried until it appears; that is how a chart whose
// certificate Secret is made by a Helm hook hangs when the hook never runs.
//
// For containers run for real, the volumes are also written to disk (one folder per volume under
// the pod's folder) and kept in step with their sources, as kubelet refreshes Secret volumes.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// volumeFiles is a volume's content: relative path → bytes.
type volumeFiles map[string][]byte

// volumeSource reads the objects volumes are made from.
type volumeSource struct {
	client kubernetes.Interface
	tokens *tokenCache
}

// mountError is kubelet's FailedMount message for one volume.
type mountError struct{ message string }

func (e *mountError) Error() string { return e.message }

// contents resolves every volume of a pod, or returns the first one that cannot be set up.
func (v *volumeSource) contents(ctx context.Context, pod *corev1.Pod, podIP string) (map[string]volumeFiles, error) {
	volumes := map[string]volumeFiles{}
	for _, volume := range pod.Spec.Volumes {
		files, err := v.volume(ctx, pod, podIP, volume)
		if err != nil {
			return nil, err
		}
		volumes[volume.Name] = files
	}
	return volumes, nil
}

func (v *volumeSource) volume(ctx context.Context, pod *corev1.Pod, podIP string, volume corev1.Volume) (volumeFiles, error) {
	failed := func(format string, args ...any) error {
		return &mountError{fmt.Sprintf("MountVolume.SetUp failed for volume %q : ", volume.Name) + fmt.Sprintf(format, args...)}
	}
	switch {
	case volume.Secret != nil:
		files, err := v.secretFiles(ctx, pod.Namespace, volume.Secret.SecretName, volume.Secret.Items, volume.Secret.Optional)
		if err != nil {
			return nil, failed("%v", err)
		}
		return files, nil
	case volume.ConfigMap != nil:
		files, err := v.configMapFiles(ctx, pod.Namespace, volume.ConfigMap.Name, volume.ConfigMap.Items, volume.ConfigMap.Optional)
		if err != nil {
			return nil, failed("%v", err)
		}
		return files, nil
	case volume.Projected != nil:
		files := volumeFiles{}
		for _, source := range volume.Projected.Sources {
			var part volumeFiles
			var err error
			switch {
			case source.Secret != nil:
				part, err = v.secretFiles(ctx, pod.Namespace, source.Secret.Name, source.Secret.Items, source.Secret.Optional)
			case source.ConfigMap != nil:
				part, err = v.configMapFiles(ctx, pod.Namespace, source.ConfigMap.Name, source.ConfigMap.Items, source.ConfigMap.Optional)
			case source.DownwardAPI != nil:
				part, err = downwardAPIFiles(pod, podIP, source.DownwardAPI.Items)
			case source.ServiceAccountToken != nil:
				var token string
				token, err = v.tokens.token(ctx, pod, source.ServiceAccountToken)
				part = volumeFiles{source.ServiceAccountToken.Path: []byte(token)}
			}
			if err != nil {
				return nil, failed("%v", err)
			}
			for path, data := range part {
				files[path] = data
			}
		}
		return files, nil
	case volume.DownwardAPI != nil:
		files, err := downwardAPIFiles(pod, podIP, volume.DownwardAPI.Items)
		if err != nil {
			return nil, failed("%v", err)
		}
		return files, nil
	case volume.PersistentVolumeClaim != nil:
		claim, err := v.client.CoreV1().PersistentVolumeClaims(pod.Namespace).Get(ctx, volume.PersistentVolumeClaim.ClaimName, metav1.GetOptions{})
		if err != nil {
			return nil, failed("%v", err)
		}
		if claim.Status.Phase != corev1.ClaimBound {
			return nil, failed("PersistentVolumeClaim %q is not bound", claim.Name)
		}
		return volumeFiles{}, nil
	default:
		// emptyDir, and sources this node does not model (hostPath, ephemeral, ...): empty.
		return volumeFiles{}, nil
	}
}

func (v *volumeSource) secretFiles(ctx context.Context, namespace, name string, items []corev1.KeyToPath, optional *bool) (volumeFiles, error) {
	secret, err := v.client.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		if optional != nil && *optional {
			return volumeFiles{}, nil
		}
		return nil, fmt.Errorf("secret %q not found", name)
	}
	if err != nil {
		return nil, err
	}
	data := map[string][]byte{}
	for key, value := range secret.Data {
		data[key] = value
	}
	return projectKeys(data, items, optional, "secret", name)
}

func (v *volumeSource) configMapFiles(ctx context.Context, namespace, name string, items []corev1.KeyToPath, optional *bool) (volumeFiles, error) {
	configMap, err := v.client.CoreV1().ConfigMaps(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		if optional != nil && *optional {
			return volumeFiles{}, nil
		}
		return nil, fmt.Errorf("configmap %q not found", name)
	}
	if err != nil {
		return nil, err
	}
	data := map[string][]byte{}
	for key, value := range configMap.Data {
		data[key] = []byte(value)
	}
	for key, value := range configMap.BinaryData {
		data[key] = value
	}
	return projectKeys(data, items, optional, "configmap", name)
}

// projectKeys maps keys to file paths: every key by its own name, or only the listed items.
func projectKeys(data map[string][]byte, items []corev1.KeyToPath, optional *bool, kind, name string) (volumeFiles, error) {
	files := volumeFiles{}
	if len(items) == 0 {
		for key, value := range data {
			files[key] = value
		}
		return files, nil
	}
	for _, item := range items {
		value, ok := data[item.Key]
		if !ok {
			if optional != nil && *optional {
				continue
			}
			return nil, fmt.Errorf("configuration error: %s %q has no key %q", kind, name, item.Key)
		}
		files[item.Path] = value
	}
	return files, nil
}

func downwardAPIFiles(pod *corev1.Pod, podIP string, items []corev1.DownwardAPIVolumeFile) (volumeFiles, error) {
	files := volumeFiles{}
	for _, item := range items {
		if item.FieldRef == nil {
			continue
		}
		value, err := podField(pod, podIP, item.FieldRef.FieldPath)
		if err != nil {
			return nil, err
		}
		files[item.Path] = []byte(value)
	}
	return files, nil
}

// podField resolves a downward-API field path.
func podField(pod *corev1.Pod, podIP, path string) (string, error) {
	labelsOrAnnotations := func(prefix string, values map[string]string) (string, bool) {
		if !strings.HasPrefix(path, prefix) {
			return "", false
		}
		rest := strings.TrimPrefix(path, prefix)
		if rest == "" {
			keys := make([]string, 0, len(values))
			for key := range values {
				keys = append(keys, key)
			}
			sort.Strings(keys)
			lines := make([]string, 0, len(keys))
			for _, key := range keys {
				lines = append(lines, key+"="+strconv.Quote(values[key]))
			}
			return strings.Join(lines, "\n"), true
		}
		key := strings.TrimSuffix(strings.TrimPrefix(rest, "['"), "']")
		return values[key], true
	}
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.podIP", "status.podIPs":
		return podIP, nil
	case "status.hostIP", "status.hostIPs":
		return pod.Status.HostIP, nil
	}
	if value, ok := labelsOrAnnotations("metadata.labels", pod.Labels); ok {
		return value, nil
	}
	if value, ok := labelsOrAnnotations("metadata.annotations", pod.Annotations); ok {
		return value, nil
	}
	return "", fmt.Errorf("unsupported field path %q", path)
}

// writeVolume makes dir hold exactly files, replacing only what changed, each file by rename so
// that a reader never sees half a file.
func writeVolume(dir string, files volumeFiles) (changed bool, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	for path, data := range files {
		target := filepath.Join(dir, filepath.Clean("/" + path))
		if current, err := os.ReadFile(target); err == nil && bytes.Equal(current, data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return changed, err
		}
		tmp := target + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return changed, err
		}
		if err := os.Rename(tmp, target); err != nil {
			return changed, err
		}
		changed = true
	}
	err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		relative, _ := filepath.Rel(dir, path)
		if _, keep := files[relative]; !keep {
			changed = true
			return os.Remove(path)
		}
		return nil
	})
	return changed, err
}

// tokenCache holds service account tokens per pod and audience, renewed at 80% of their life,
// as kubelet's token manager does.
type tokenCache struct {
	client kubernetes.Interface
	tokens map[string]cachedToken
}

type cachedToken struct {
	value   string
	renewAt time.Time
}

func newTokenCache(client kubernetes.Interface) *tokenCache {
	return &tokenCache{client: client, tokens: map[string]cachedToken{}}
}

func (t *tokenCache) token(ctx context.Context, pod *corev1.Pod, projection *corev1.ServiceAccountTokenProjection) (string, error) {
	key := fmt.Sprintf("%s/%s/%s", pod.UID, projection.Audience, projection.Path)
	if cached, ok := t.tokens[key]; ok && time.Now().Before(cached.renewAt) {
		return cached.value, nil
	}
	expiration := int64(3600)
	if projection.ExpirationSeconds != nil {
		expiration = *projection.ExpirationSeconds
	}
	request := &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{
			ExpirationSeconds: &expiration,
			BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
		},
	}
	if projection.Audience != "" {
		request.Spec.Audiences = []string{projection.Audience}
	}
	serviceAccount := pod.Spec.ServiceAccountName
	if serviceAccount == "" {
		serviceAccount = "default"
	}
	response, err := t.client.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(ctx, serviceAccount, request, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("failed to fetch token: %v", err)
	}
	issued := time.Now()
	life := response.Status.ExpirationTimestamp.Time.Sub(issued)
	t.tokens[key] = cachedToken{value: response.Status.Token, renewAt: issued.Add(life * 8 / 10)}
	return response.Status.Token, nil
}

func (t *tokenCache) forget(uid types.UID) {
	prefix := string(uid) + "/"
	for key := range t.tokens {
		if strings.HasPrefix(key, prefix) {
			delete(t.tokens, key)
		}
	}
}
