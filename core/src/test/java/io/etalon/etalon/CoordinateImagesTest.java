package io.etalon.etalon;

class CoordinateImagesTest implements SolverContract {

    @Override
    public EtalonSolver solver() {
        return new CoordinateImages();
    }
}
