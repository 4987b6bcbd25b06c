#!/usr/bin/env bash
# Builds the ONE image for Salad (one image per container group): the ComfyUI image from comfyui/Dockerfile with the
# API published on top by the .NET SDK (dotnet publish -t:PublishContainer, see OneImage.props). In it the API listens
# on port 3000 and starts and supervises ComfyUI on 127.0.0.1:8188 (ComfyUI__Launch__*), restarting it if it exits.
#
# Needs Docker (with BuildKit) and the .NET 10 SDK. The SDK's container builder reads its base image from a registry,
# not from the local Docker engine, so the ComfyUI image is pushed first: to $REGISTRY, or, without it, to a throwaway
# local registry on localhost:5000, in which case the final image lands in the local Docker engine.
#
#   deploy/salad/build.sh                                 # -> fluxaspire/salad:latest in the local engine
#   REGISTRY=ghcr.io NAMESPACE=acme TAG=1.0 deploy/salad/build.sh
#                                                         # -> ghcr.io/acme/salad:1.0 (docker login ghcr.io first)
#   FLUX_CHECKPOINT=/models/flux1-dev-fp8.safetensors deploy/salad/build.sh
#       bakes the checkpoint into the image (about 17 GB more), as the recipe's image does; Salad has no volumes, so
#       without it the checkpoint must reach /opt/ComfyUI/models/checkpoints some other way (POST /download).
set -euo pipefail
cd "$(dirname "$0")/../.."

TAG=${TAG:-latest}
NAMESPACE=${NAMESPACE:-fluxaspire}
if [ -n "${REGISTRY:-}" ]; then
  output_registry=$REGISTRY
else
  REGISTRY=localhost:5000
  output_registry="" # the SDK's default: the local Docker engine
  if ! curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1; then
    docker run -d --rm -p 5000:5000 --name fluxaspire-build-registry registry:2 >/dev/null
    for _ in $(seq 1 30); do curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1 && break; sleep 1; done
  fi
  export DOTNET_CONTAINER_INSECURE_REGISTRIES=$REGISTRY # plain HTTP
fi

comfyui="$REGISTRY/$NAMESPACE/comfyui:$TAG"
docker build -t "$comfyui" comfyui/
base=$comfyui
if [ -n "${FLUX_CHECKPOINT:-}" ]; then
  base="$REGISTRY/$NAMESPACE/comfyui-flux:$TAG"
  docker build -t "$base" -f deploy/salad/Dockerfile.model \
    --build-arg BASE="$comfyui" \
    --build-arg CHECKPOINT="$(basename "$FLUX_CHECKPOINT")" \
    --build-context model="$(dirname "$(realpath "$FLUX_CHECKPOINT")")" \
    deploy/salad
fi
docker push "$base"

dotnet publish FluxAspire.Api -c Release -t:PublishContainer \
  -p:ComfyUIBaseImage="$base" -p:ContainerRepository="$NAMESPACE/salad" -p:ContainerImageTag="$TAG" \
  ${output_registry:+-p:ContainerRegistry=$output_registry}

image="${output_registry:+$output_registry/}$NAMESPACE/salad:$TAG"
echo "Built $image. On a GPU host: docker run --gpus all -p 3000:3000 $image, then GET http://localhost:3000/ready"
