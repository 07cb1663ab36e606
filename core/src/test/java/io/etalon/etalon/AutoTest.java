package io.etalon.etalon;

class AutoTest implements SolverContract {

    @Override
    public EtalonSolver solver() {
        return new Auto();
    }
}
