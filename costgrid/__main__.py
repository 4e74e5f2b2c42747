"""python -m costgrid"""

from costgrid.app import app


def main() -> None:
    app(prog_name="costgrid")


if __name__ == "__main__":
    main()
