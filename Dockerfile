# syntax=docker/dockerfile:1
# synclint in a container: a static binary on a distroless base (the default target), or with
# helm 3 and kubectl to render Helm and Kustomize sources (`--target full`).
#
#   docker build -t synclint .
#   docker run --rm -v "$PWD:/work" -w /work synclint check .
#
# Built from source here. The release workflow replaces the `binaries` stage with the release's
# prebuilt static binaries (`--build-context binaries=…`), so the image runs the released bytes.

ARG RUST_VERSION=1.88

FROM rust:${RUST_VERSION}-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY benches benches
COPY src src
COPY rules rules
COPY schemas schemas
ARG TARGETOS=linux
ARG TARGETARCH
RUN cargo build --release --locked \
    && mkdir -p "/out/${TARGETOS}-${TARGETARCH:-$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/')}" \
    && cp target/release/synclint /out/*/

# linux-amd64/synclint, linux-arm64/synclint.
FROM scratch AS binaries
COPY --from=build /out/ /

# With the renderers synclint runs (helm 3, kubectl for `kubectl kustomize`). Alpine's packages.
FROM alpine:3.22 AS full
ARG TARGETOS=linux
ARG TARGETARCH
RUN apk add --no-cache helm kubectl
COPY --from=binaries /${TARGETOS}-${TARGETARCH}/synclint /usr/local/bin/synclint
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["synclint"]
CMD ["check", "."]

# The default: the binary alone. Kustomize and Helm sources are linted as written.
FROM gcr.io/distroless/static-debian12:nonroot AS synclint
ARG TARGETOS=linux
ARG TARGETARCH
COPY --from=binaries /${TARGETOS}-${TARGETARCH}/synclint /usr/local/bin/synclint
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/synclint"]
CMD ["check", "."]
