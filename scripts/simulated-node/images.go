package main

// The node's image store. A homelab node gets images two ways: pulled from a registry, or
// imported by hand (`k3s ctr images import`), which puts them on the node and in no registry.
// kubelet decides by the container's imagePullPolicy (pkg/kubelet/images/image_manager.go):
// Always pulls every time, IfNotPresent pulls only when the image is missing, Never never pulls.
// So an imported-only image runs under IfNotPresent and Never, and fails with ErrImagePull under
// Always: the registry does not know it.

import (
	"fmt"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
)

type imageStore struct {
	mu       sync.Mutex
	imported map[string]bool
	present  map[string]bool
}

func newImageStore(imported []string) *imageStore {
	store := &imageStore{imported: map[string]bool{}, present: map[string]bool{}}
	for _, image := range imported {
		store.imported[normalizeImage(image)] = true
		store.present[normalizeImage(image)] = true
	}
	return store
}

// pullError is what kubelet reports in the container's waiting state.
type pullError struct {
	reason  string // ErrImagePull or ErrImageNeverPull
	message string
}

// ensure makes the image available for a container, or says why it cannot.
func (s *imageStore) ensure(container corev1.Container) *pullError {
	s.mu.Lock()
	defer s.mu.Unlock()
	image := normalizeImage(container.Image)
	switch container.ImagePullPolicy {
	case corev1.PullNever:
		if s.present[image] {
			return nil
		}
		return &pullError{
			reason:  "ErrImageNeverPull",
			message: fmt.Sprintf("Container image %q is not present with pull policy of Never", container.Image),
		}
	case corev1.PullIfNotPresent:
		if s.present[image] {
			return nil
		}
	}
	// Always, or IfNotPresent with the image missing: ask the registry.
	if s.imported[image] {
		return &pullError{
			reason: "ErrImagePull",
			message: fmt.Sprintf("Failed to pull image %q: %s: not found in its registry "+
				"(the node has it only because it was imported with `ctr images import`)", container.Image, image),
		}
	}
	s.present[image] = true
	return nil
}

// nodeImages is the image list a kubelet reports in the Node's status.
func nodeImages(imported []string) []corev1.ContainerImage {
	var images []corev1.ContainerImage
	for _, image := range imported {
		names := []string{normalizeImage(image)}
		if image != names[0] {
			names = append(names, image)
		}
		images = append(images, corev1.ContainerImage{Names: names, SizeBytes: 1 << 20})
	}
	return images
}

// normalizeImage spells an image reference the way containerd stores it:
// `busybox:1.37` becomes `docker.io/library/busybox:1.37`, a missing tag becomes `latest`.
func normalizeImage(image string) string {
	name, digest, hasDigest := strings.Cut(image, "@")
	firstSlash := strings.Index(name, "/")
	if firstSlash < 0 {
		name = "docker.io/library/" + name
	} else if domain := name[:firstSlash]; !strings.ContainsAny(domain, ".:") && domain != "localhost" {
		name = "docker.io/" + name
	}
	lastSlash := strings.LastIndex(name, "/")
	if !strings.Contains(name[lastSlash+1:], ":") && !hasDigest {
		name += ":latest"
	}
	if hasDigest {
		return name + "@" + digest
	}
	return name
}

// imageWithoutDigest drops a `@sha256:...` suffix, which charts add after the tag.
func imageWithoutDigest(image string) string {
	name, _, _ := strings.Cut(image, "@")
	return name
}
